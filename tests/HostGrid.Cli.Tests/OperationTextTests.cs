using HostGrid.Api.V1;
using HostGrid.Cli.Operations;
using HostGrid.Cli.Output;
using Spectre.Console;

namespace HostGrid.Cli.Tests;

public sealed class OperationTextTests
{
    [Theory]
    [InlineData(MigrationPhase.PreCopy, "pre-copy")]
    [InlineData(MigrationPhase.SwitchOver, "switch-over")]
    [InlineData(MigrationPhase.Unspecified, "-")]
    public void Name_Phase_Kebab(MigrationPhase phase, string expected) => Assert.Equal(expected, TextFormat.Name(phase));

    [Fact]
    public void CopyFraction_FirstRoundShareSentLaterRoundsShareClean()
    {
        Assert.Equal(0, TextFormat.CopyFraction(Samples.Migration(phase: MigrationPhase.Prepare)));
        Assert.Equal(0.5, TextFormat.CopyFraction(Samples.Migration(phase: MigrationPhase.PreCopy, round: 1)), 3);
        Assert.Equal(1 - (32.0 / 1024), TextFormat.CopyFraction(Samples.Migration(phase: MigrationPhase.PreCopy, round: 2)), 3);
        Assert.Equal(1, TextFormat.CopyFraction(Samples.Migration(phase: MigrationPhase.SwitchOver, round: 3)));
        Assert.Equal(0, TextFormat.CopyFraction(new Operation { Phase = MigrationPhase.PreCopy, Round = 1, BytesSent = 5 }));
    }

    [Fact]
    public void Milliseconds_UnsetIsDash() => Assert.Equal("-", TextFormat.Milliseconds(null));

    [Fact]
    public void LiveRender_Migration_BarAndFiguresOnOneLine()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;

        console.Write(LiveFollowView.Render(Samples.Migration(phase: MigrationPhase.PreCopy, round: 2), []));

        Assert.Contains("web-1  hv-1 → hv-2  (op-1)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("97%  pre-copy round 2  1024/1024 MiB sent  dirty 32.0 MiB  950.0 MiB/s  throttle 20%", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LiveRender_Drain_CountsAndOnlyRunningMigrations()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;

        console.Write(LiveFollowView.Render(
            Samples.Drain(total: 4, moved: 1, failed: 1, migrations: ["op-a", "op-b"]),
            [Samples.Migrated("op-a"), Samples.Migration("op-b", MigrationPhase.PreCopy, 1, vm: "db-1")]));

        var text = output.ToString();
        Assert.Contains("50%  moved 1/4, failed 1", text, StringComparison.Ordinal);
        Assert.Contains("db-1 → hv-2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("web-1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LiveRender_Rebalance_ImbalanceCountsAndOnlyRunningMigrationsWithTheirSource()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;

        console.Write(LiveFollowView.Render(
            Samples.Rebalance(moved: 1, imbalanceNow: 0.17, migrations: ["op-a", "op-b"]),
            [Samples.Migrated("op-a"), Samples.Migration("op-b", MigrationPhase.PreCopy, 1, vm: "db-1")]));

        var text = output.ToString();
        Assert.Contains("rebalancing  imbalance 0.300 → 0.080 (target 0.100), now 0.170  (rebalance-1)", text, StringComparison.Ordinal);
        Assert.Contains("50%  moved 1/2, failed 0", text, StringComparison.Ordinal);
        Assert.Contains("db-1 hv-1 → hv-2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("web-1", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0.000")]
    [InlineData(0.12345, "0.123")]
    [InlineData(1.5, "1.500")]
    public void Imbalance_ThreeDecimalsInvariant(double imbalance, string expected) => Assert.Equal(expected, TextFormat.Imbalance(imbalance));
}
