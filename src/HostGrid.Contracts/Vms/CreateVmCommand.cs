namespace HostGrid.Contracts.Vms;

/// <summary>
/// Create a guest: place it, reserve capacity, and start it unless <see cref="StartStopped"/>. A repeat with the same
/// <see cref="RequestId"/> returns the guest the first one created (a retry after a lost reply) instead of failing.
/// </summary>
[GenerateSerializer, Immutable, Alias("hostgrid.CreateVmCommand")]
public sealed record CreateVmCommand(
    [property: Id(0)] VmSpec Spec,
    [property: Id(1)] bool StartStopped = false,
    [property: Id(2)] string? RequestId = null);
