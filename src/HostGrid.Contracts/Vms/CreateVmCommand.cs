namespace HostGrid.Contracts.Vms;

/// <summary>Create a guest: place it, reserve capacity, and start it unless <see cref="StartStopped"/>.</summary>
[GenerateSerializer, Immutable, Alias("hostgrid.CreateVmCommand")]
public sealed record CreateVmCommand(
    [property: Id(0)] VmSpec Spec,
    [property: Id(1)] bool StartStopped = false);
