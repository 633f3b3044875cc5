namespace HostGrid.Contracts.Events;

/// <summary>Something that happened in the cluster, appended to the durable event log.</summary>
/// <param name="Kind">Dotted kind, e.g. <c>vm.failed_over</c>, <c>host.down</c> (see <see cref="EventKinds"/>).</param>
/// <param name="Subject">The resource it happened to: <c>vms/web-1</c>, <c>hosts/hv-1</c>.</param>
/// <param name="HostId">The host involved, if any.</param>
/// <param name="VmId">The guest involved, if any.</param>
/// <param name="Epoch">The guest's epoch after the event, if a guest is involved.</param>
/// <param name="Detail">One human line saying what happened.</param>
[GenerateSerializer, Immutable, Alias("hostgrid.ClusterEvent")]
public sealed record ClusterEvent(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Subject,
    [property: Id(2)] HostId? HostId,
    [property: Id(3)] VmId? VmId,
    [property: Id(4)] long? Epoch,
    [property: Id(5)] string Detail)
{
    public static ClusterEvent ForVm(string kind, VmId vm, HostId? host, long epoch, string detail) =>
        new(kind, $"vms/{vm}", host, vm, epoch, detail);

    public static ClusterEvent ForHost(string kind, HostId host, string detail) =>
        new(kind, $"hosts/{host}", host, null, null, detail);
}
