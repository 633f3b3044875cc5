using HostGrid.Core.Migration;
using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

/// <summary>What the source's QEMU is told before <c>migrate</c> (<c>migrate-set-parameters</c>).</summary>
public sealed class QemuMigrationParametersTests
{
    [Theory]
    [InlineData(50, 25)]
    [InlineData(300, 150)]
    [InlineData(1, 1)] // never 0: QEMU would then never switch over
    public void DowntimeLimit_LeavesTheRestOfTheBudgetToConfirmCommitAndCont(double maxDowntimeMs, long expected)
    {
        var migration = new MigrationOptions { MaxDowntime = TimeSpan.FromMilliseconds(maxDowntimeMs) };

        var parameters = QemuHypervisor.MigrationParameters(new QemuOptions(), migration);

        Assert.Equal(expected, (long)parameters["downtime-limit"]!);
    }

    [Fact]
    public void Bandwidth_CappedOnlyWhenAsked()
    {
        var migration = new MigrationOptions { ThrottleInitialPercent = 30, ThrottleIncrementPercent = 5, ThrottleMaxPercent = 90 };

        var uncapped = QemuHypervisor.MigrationParameters(new QemuOptions(), migration);
        var capped = QemuHypervisor.MigrationParameters(new QemuOptions { MigrationBandwidthMibPerSecond = 128 }, migration);

        Assert.True((long)uncapped["max-bandwidth"]! > 1L << 50, "uncapped (QEMU's own default would be 128 MiB/s)");
        Assert.Equal(0L, (long)uncapped["max-postcopy-bandwidth"]!);
        Assert.Equal(128L * 1024 * 1024, (long)capped["max-bandwidth"]!);
        Assert.Equal(128L * 1024 * 1024, (long)capped["max-postcopy-bandwidth"]!);
        Assert.Equal((30, 5, 90), ((int)capped["cpu-throttle-initial"]!, (int)capped["cpu-throttle-increment"]!, (int)capped["max-cpu-throttle"]!));
    }
}
