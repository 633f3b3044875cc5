using HostGrid.Contracts.Migration;

namespace HostGrid.Grains.Hosts;

/// <summary>
/// Keeps only the newest progress a data plane reported (from its own threads), for the grain to forward at its own
/// pace: a migration reports far more often than anyone reads.
/// </summary>
internal sealed class LatestProgress : IProgress<MigrationProgress>
{
    private MigrationProgress? _latest;

    public void Report(MigrationProgress value) => Volatile.Write(ref _latest, value);

    /// <summary>The progress reported since the last call, or null.</summary>
    public MigrationProgress? Take() => Interlocked.Exchange(ref _latest, null);
}
