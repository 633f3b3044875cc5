namespace HostGrid.Grains.Vms;

/// <summary>The persisted record of a guest.</summary>
[GenerateSerializer, Alias("hostgrid.VmRecord")]
public sealed class VmRecord
{
    [Id(0)] public bool Exists { get; set; }

    [Id(1)] public VmSpec? Spec { get; set; }

    [Id(2)] public VmState DesiredState { get; set; }

    [Id(3)] public VmState State { get; set; }

    [Id(4)] public HostId? Host { get; set; }

    /// <summary>Fencing token: raised every time the guest is placed or (re)started.</summary>
    [Id(5)] public long Epoch { get; set; }

    [Id(6)] public string? StatusMessage { get; set; }

    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The migration in progress, if any: at most one operation runs on a guest at a time.</summary>
    [Id(9)] public MigrationRecord? Migration { get; set; }

    /// <summary>The create request that made the guest (<see cref="CreateVmCommand.RequestId"/>): its retry gets the guest, not an error.</summary>
    [Id(10)] public string? CreateRequestId { get; set; }
}
