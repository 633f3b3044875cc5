using HostGrid.Contracts.Migration;
using HostGrid.Core.Migration;

namespace HostGrid.Core.Tests.Migration;

public sealed class MigrationStateMachineTests
{
    [Fact]
    public void Next_LiveMigration_GoesThroughEveryPhaseInOrder()
    {
        var phases = new List<MigrationPhase> { MigrationPhase.Reserve };
        while (phases[^1] != MigrationPhase.Done && phases.Count < 20)
        {
            phases.Add(MigrationStateMachine.Next(phases[^1], live: true));
        }

        Assert.Equal(
            [MigrationPhase.Reserve, MigrationPhase.Prepare, MigrationPhase.PreCopy, MigrationPhase.SwitchOver, MigrationPhase.Commit, MigrationPhase.Cleanup, MigrationPhase.Done],
            phases);
    }

    [Fact]
    public void Next_ColdMove_SkipsTheDataPlane()
    {
        Assert.Equal(MigrationPhase.Commit, MigrationStateMachine.Next(MigrationPhase.Reserve, live: false));
    }

    [Fact]
    public void Next_Done_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MigrationStateMachine.Next(MigrationPhase.Done, live: true));
    }

    [Theory]
    [InlineData(MigrationPhase.Reserve, false)]
    [InlineData(MigrationPhase.Prepare, false)]
    [InlineData(MigrationPhase.PreCopy, false)]
    [InlineData(MigrationPhase.SwitchOver, false)]
    [InlineData(MigrationPhase.Commit, true)]
    [InlineData(MigrationPhase.Cleanup, true)]
    public void RollsForward_OnlyFromCommitOn(MigrationPhase phase, bool expected)
    {
        Assert.Equal(expected, MigrationStateMachine.RollsForward(phase));
    }

    [Fact]
    public void RollbackFrom_Reserve_OnlyReleasesTheTarget()
    {
        Assert.Equal(new MigrationRollback(CancelSource: false, AbortIncoming: false, ResumeSource: false, ReleaseTarget: true), MigrationStateMachine.RollbackFrom(MigrationPhase.Reserve));
    }

    [Fact]
    public void RollbackFrom_Prepare_DropsTheIncomingCopyButLeavesTheSourceAlone()
    {
        Assert.Equal(new MigrationRollback(CancelSource: false, AbortIncoming: true, ResumeSource: false, ReleaseTarget: true), MigrationStateMachine.RollbackFrom(MigrationPhase.Prepare));
    }

    [Theory]
    [InlineData(MigrationPhase.PreCopy)]
    [InlineData(MigrationPhase.SwitchOver)]
    public void RollbackFrom_DataPlanePhases_UndoesEverything(MigrationPhase phase)
    {
        Assert.Equal(new MigrationRollback(CancelSource: true, AbortIncoming: true, ResumeSource: true, ReleaseTarget: true), MigrationStateMachine.RollbackFrom(phase));
    }

    [Theory]
    [InlineData(MigrationPhase.Commit)]
    [InlineData(MigrationPhase.Cleanup)]
    [InlineData(MigrationPhase.Done)]
    public void RollbackFrom_CommittedOrDone_Throws(MigrationPhase phase)
    {
        Assert.Throws<InvalidOperationException>(() => MigrationStateMachine.RollbackFrom(phase));
    }
}
