using HostGrid.Contracts.Migration;

namespace HostGrid.Core.Migration;

/// <summary>
/// The order of a live migration's phases and what a failure in each means: before <see cref="MigrationPhase.Commit"/>
/// the move rolls back to the source, undoing exactly what the phases reached so far did; from Commit on it rolls forward.
/// </summary>
public static class MigrationStateMachine
{
    /// <summary>The phase after <paramref name="phase"/>. A cold move (stopped guest) skips the data-plane phases.</summary>
    public static MigrationPhase Next(MigrationPhase phase, bool live) => phase switch
    {
        MigrationPhase.Reserve => live ? MigrationPhase.Prepare : MigrationPhase.Commit,
        MigrationPhase.Prepare => MigrationPhase.PreCopy,
        MigrationPhase.PreCopy => MigrationPhase.SwitchOver,
        MigrationPhase.SwitchOver => MigrationPhase.Commit,
        MigrationPhase.Commit => MigrationPhase.Cleanup,
        MigrationPhase.Cleanup => MigrationPhase.Done,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "a finished migration has no next phase"),
    };

    /// <summary>Whether a migration interrupted in <paramref name="phase"/> rolls forward (it committed) or back.</summary>
    public static bool RollsForward(MigrationPhase phase) => phase is MigrationPhase.Commit or MigrationPhase.Cleanup;

    /// <summary>What rolling back from <paramref name="phase"/> must undo.</summary>
    public static MigrationRollback RollbackFrom(MigrationPhase phase) => RollsForward(phase) || phase == MigrationPhase.Done
        ? throw new InvalidOperationException($"a migration in phase {phase} rolls forward, not back")
        : new MigrationRollback(
            CancelSource: phase >= MigrationPhase.PreCopy,
            AbortIncoming: phase >= MigrationPhase.Prepare,
            ResumeSource: phase >= MigrationPhase.PreCopy,
            ReleaseTarget: true);
}
