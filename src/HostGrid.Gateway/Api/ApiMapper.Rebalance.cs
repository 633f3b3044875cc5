using Google.Protobuf.WellKnownTypes;
using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Rebalancing;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>The rebalancer's plans, progress, status and mode.</summary>
public static partial class ApiMapper
{
    /// <summary>The rebalancer is one per cluster; its resource name has no id.</summary>
    public const string RebalancerName = "rebalancer";

    public static Proto.RebalancePlan ToProto(RebalancePlan plan)
    {
        var message = new Proto.RebalancePlan
        {
            ImbalanceBefore = plan.ImbalanceBefore,
            ImbalanceAfter = plan.ImbalanceAfter,
            TargetImbalance = plan.TargetImbalance,
            WhyNoMoves = plan.WhyNoMoves ?? "",
            MemoryMibMoved = plan.MemoryMibMoved,
            ReachesTarget = plan.ReachesTarget,
        };
        message.Moves.AddRange(plan.Moves.Select(ToProto));
        return message;
    }

    public static Proto.RebalanceMove ToProto(RebalanceMove move) => new()
    {
        VmId = move.VmId.Value,
        FromHostId = move.From.Value,
        ToHostId = move.To.Value,
        Why = move.Why,
        ImbalanceBefore = move.ImbalanceBefore,
        ImbalanceAfter = move.ImbalanceAfter,
        MemoryMib = move.MemoryMib,
    };

    public static Proto.RebalanceProgress ToProto(RebalanceProgress progress)
    {
        var message = new Proto.RebalanceProgress { Plan = ToProto(progress.Plan), Moved = progress.Moved, Failed = progress.Failed };
        message.Migrations.AddRange(progress.Migrations.Select(id => $"{OperationCollection}/{id}"));
        if (progress.ImbalanceNow is { } now)
        {
            message.ImbalanceNow = now;
        }

        return message;
    }

    public static Proto.Rebalancer ToProto(RebalancerStatus status)
    {
        var message = new Proto.Rebalancer
        {
            Name = RebalancerName,
            Mode = ToProto(status.Mode),
            Aggressiveness = status.Aggressiveness,
            Imbalance = status.Imbalance,
            TargetImbalance = status.TargetImbalance,
            ActiveOperation = status.ActiveOperationId is { } active ? $"{OperationCollection}/{active}" : "",
        };
        if (status.LastPassAt is { } lastPass)
        {
            message.LastPassTime = Timestamp.FromDateTimeOffset(lastPass);
        }

        if (status.ImbalanceAboveSince is { } above)
        {
            message.ImbalanceAboveSince = Timestamp.FromDateTimeOffset(above);
        }

        if (status.Recommendation is { } recommendation)
        {
            message.Recommendation = ToProto(recommendation);
        }

        if (status.RecommendedAt is { } recommended)
        {
            message.RecommendTime = Timestamp.FromDateTimeOffset(recommended);
        }

        return message;
    }

    public static Proto.RebalanceMode ToProto(RebalanceMode mode) => mode switch
    {
        RebalanceMode.Off => Proto.RebalanceMode.Off,
        RebalanceMode.Recommend => Proto.RebalanceMode.Recommend,
        RebalanceMode.Auto => Proto.RebalanceMode.Auto,
        _ => Proto.RebalanceMode.Unspecified,
    };

    /// <summary>A mode to set: UNSPECIFIED or a number the API does not define is refused naming <paramref name="field"/>.</summary>
    public static RebalanceMode FromProto(Proto.RebalanceMode mode, string field) => mode switch
    {
        Proto.RebalanceMode.Off => RebalanceMode.Off,
        Proto.RebalanceMode.Recommend => RebalanceMode.Recommend,
        Proto.RebalanceMode.Auto => RebalanceMode.Auto,
        Proto.RebalanceMode.Unspecified => throw new InvalidSpecException(field, "required: REBALANCE_MODE_OFF, REBALANCE_MODE_RECOMMEND or REBALANCE_MODE_AUTO"),
        _ => throw new InvalidSpecException(field, $"unknown value {(int)mode}"),
    };
}
