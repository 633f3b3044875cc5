namespace HostGrid.Contracts.Vms;

/// <summary>Lifecycle state of a guest.</summary>
public enum VmState
{
    /// <summary>Accepted, not placed yet, or waiting for capacity.</summary>
    Pending = 0,
    Starting = 1,
    Running = 2,
    Stopping = 3,
    Stopped = 4,
    Migrating = 5,
    Failed = 6,
    Deleting = 7,
}
