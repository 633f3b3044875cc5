namespace HostGrid.Hypervisor.Tests;

/// <summary>A clock that moves only when a test moves it, so ledger timestamps are known.</summary>
internal sealed class ManualTime : TimeProvider
{
    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private DateTimeOffset _now = Start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
