using HostGrid.Hypervisor.Simulated;

namespace HostGrid.Hypervisor.Tests.Simulated;

public sealed class SimulatedHypervisorOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new SimulatedHypervisorOptions();

        Assert.True(new SimulatedHypervisorOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(TimeSpan.Zero, options.MigrationSwitchOverDelay);
    }

    [Fact]
    public void Validate_NegativeSwitchOverDelay_FailsNamingIt()
    {
        var options = new SimulatedHypervisorOptions { MigrationSwitchOverDelay = TimeSpan.FromSeconds(-1) };

        var result = new SimulatedHypervisorOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("HostGrid:Simulated:MigrationSwitchOverDelay must not be negative", result.FailureMessage, StringComparison.Ordinal);
    }
}
