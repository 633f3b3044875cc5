using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Diagnostics;
using HostGrid.Core.Rebalancing;
using Microsoft.Extensions.Logging;

namespace HostGrid.Grains.Rebalancing;

public sealed partial class RebalancerGrain
{
    [LoggerMessage(EventId = LogEvents.RebalancerModeChanged, Level = LogLevel.Information, Message = "Rebalancer mode set to {Mode}")]
    private partial void LogModeChanged(RebalanceMode mode);

    [LoggerMessage(EventId = LogEvents.RebalanceTriggered, Level = LogLevel.Information, Message = "Rebalancer {Action} at imbalance {Imbalance:F3} ({Reason}); plan has {Moves} moves")]
    private partial void LogTriggered(RebalanceAction action, double imbalance, string reason, int moves);

    [LoggerMessage(EventId = LogEvents.RebalancePassStarted, Level = LogLevel.Information, Message = "Rebalance {OperationId}: {Moves} moves planned, imbalance {Before:F3} -> {After:F3}")]
    private partial void LogPassStarted(string operationId, int moves, double before, double after);

    [LoggerMessage(EventId = LogEvents.RebalanceReplanned, Level = LogLevel.Information, Message = "Rebalance {OperationId} planned again ({Why}); {Moves} moves to go")]
    private partial void LogReplanned(string operationId, string why, int moves);

    [LoggerMessage(EventId = LogEvents.RebalancePassFinished, Level = LogLevel.Information, Message = "Rebalance {OperationId} {Outcome}: {Message}")]
    private partial void LogPassFinished(string operationId, OperationState outcome, string message);

    [LoggerMessage(EventId = LogEvents.RebalancePassStalled, Level = LogLevel.Error, Message = "Rebalance {OperationId} stalled: {Reason}; resumed by its reminder")]
    private partial void LogPassStalled(string operationId, string reason);
}
