using HostGrid.Contracts.Vms;

namespace HostGrid.Core.Placement;

/// <summary>Placement: every filter, then the policy's weigher, best host first (ties by host id, so results are stable).</summary>
public sealed class Scheduler
{
    private readonly IReadOnlyList<IPlacementFilter> _filters;
    private readonly IReadOnlyDictionary<PlacementPolicy, IPlacementWeigher> _weighers;

    public Scheduler(IReadOnlyList<IPlacementFilter> filters, IReadOnlyDictionary<PlacementPolicy, IPlacementWeigher> weighers)
    {
        _filters = filters;
        _weighers = weighers;
    }

    /// <summary>The standard filters (target host, status, labels, anti-affinity, capacity) and weighers (spread, pack).</summary>
    public static Scheduler Default { get; } = new(
        [new TargetHostFilter(), new HostStatusFilter(), new RequiredLabelsFilter(), new AntiAffinityFilter(), new CapacityFilter()],
        new Dictionary<PlacementPolicy, IPlacementWeigher>
        {
            [PlacementPolicy.Spread] = new SpreadWeigher(),
            [PlacementPolicy.Pack] = new PackWeigher(),
        });

    public PlacementDecision Place(PlacementRequest request)
    {
        var weigher = _weighers[request.Spec.PlacementPolicy];
        var rejections = new List<PlacementRejection>();
        var passed = new List<(HostId Host, bool HoldsReservation, double Score)>();
        foreach (var host in request.Hosts)
        {
            var rejection = _filters
                .Select(f => (f.Name, Reason: f.Reject(request, host)))
                .FirstOrDefault(r => r.Reason is not null);
            if (rejection.Reason is not null)
            {
                rejections.Add(new PlacementRejection(host.HostId, rejection.Name, rejection.Reason));
            }
            else
            {
                passed.Add((host.HostId, host.Reservations.Any(r => r.VmId == request.VmId), weigher.Weigh(request, host)));
            }
        }

        // A host already holding this guest's reservation (a retried placement) comes first, so a retry never reserves twice.
        var candidates = passed
            .OrderByDescending(p => p.HoldsReservation)
            .ThenByDescending(p => p.Score)
            .ThenBy(p => p.Host.Value, StringComparer.Ordinal)
            .Select(p => p.Host)
            .ToList();
        return new PlacementDecision(candidates, rejections);
    }
}
