using System.Collections.Concurrent;
using Grpc.Core;

namespace HostGrid.Bench.Running;

/// <summary>Failed calls counted by gRPC status, with the first message seen for each status.</summary>
internal sealed class CallErrors
{
    private readonly ConcurrentDictionary<StatusCode, int> _counts = new();
    private readonly ConcurrentDictionary<StatusCode, string> _firstMessage = new();

    public int Total => _counts.Values.Sum();

    public void Record(RpcException e)
    {
        _counts.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
        _firstMessage.TryAdd(e.StatusCode, e.Status.Detail);
    }

    /// <summary>E.g. <c>3 ResourceExhausted (first: "no host fits ...")</c>, one per status, most frequent first.</summary>
    public IEnumerable<string> Describe() =>
        _counts.OrderByDescending(c => c.Value).Select(c => _firstMessage[c.Key] is { Length: > 0 } message
            ? $"{c.Value} {c.Key} (first: \"{message}\")"
            : $"{c.Value} {c.Key}");
}
