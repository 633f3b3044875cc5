namespace HostGrid.Core.Migration;

/// <summary>
/// The steps that undo a migration that did not commit, in this order: stop the source's data plane, drop the
/// destination's copy, run the source copy again (only after the destination copy is gone), release the destination's capacity.
/// </summary>
public sealed record MigrationRollback(bool CancelSource, bool AbortIncoming, bool ResumeSource, bool ReleaseTarget);
