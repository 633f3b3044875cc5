using HostGrid.Contracts.Rebalancing;
using HostGrid.Core.Rebalancing;

namespace HostGrid.Core.Tests.Rebalancing;

public sealed class RebalancerOptionsValidatorTests
{
    private readonly RebalancerOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = _validator.Validate(null, new RebalancerOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_AreTheDocumentedConstants()
    {
        var options = new RebalancerOptions();

        Assert.Equal(RebalanceMode.Recommend, options.Mode);
        Assert.Equal(RebalancerOptions.DefaultAggressiveness, options.Aggressiveness);
        Assert.Equal(RebalancerOptions.DefaultMaxMovesPerPass, options.MaxMovesPerPass);
        Assert.Equal(RebalancerOptions.DefaultMaxConcurrentMigrations, options.MaxConcurrentMigrations);
        Assert.Equal(TimeSpan.FromMinutes(RebalancerOptions.DefaultVmCooldownMinutes), options.VmCooldown);
        Assert.Equal(TimeSpan.FromMinutes(RebalancerOptions.DefaultSustainedWindowMinutes), options.SustainedWindow);
        Assert.Equal(TimeSpan.FromMinutes(RebalancerOptions.DefaultIntervalMinutes), options.Interval);
        Assert.Equal(RebalancerOptions.DefaultHeadroomFraction, options.HeadroomFraction);
        Assert.Equal(0.10, options.EffectiveTargetImbalance);
        Assert.Equal(0.0025, options.EffectiveMinImprovement);
    }

    [Theory]
    [InlineData(1, 0.20, 0.010)]
    [InlineData(2, 0.15, 0.005)]
    [InlineData(3, 0.10, 0.0025)]
    [InlineData(4, 0.07, 0.001)]
    [InlineData(5, 0.05, 0.0005)]
    public void Aggressiveness_MapsToTargetAndMinImprovement(int level, double target, double minImprovement)
    {
        var options = new RebalancerOptions { Aggressiveness = level };

        Assert.Equal(target, options.EffectiveTargetImbalance);
        Assert.Equal(minImprovement, options.EffectiveMinImprovement);
    }

    [Fact]
    public void TargetImbalanceAndMinImprovement_WhenSet_OverrideTheLevel()
    {
        var options = new RebalancerOptions { Aggressiveness = 1, TargetImbalance = 0.03, MinImprovement = 0.0001 };

        Assert.Equal(0.03, options.EffectiveTargetImbalance);
        Assert.Equal(0.0001, options.EffectiveMinImprovement);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Validate_AggressivenessOutOfRange_FailureNamesAggressiveness(int level)
    {
        var result = _validator.Validate(null, new RebalancerOptions { Aggressiveness = level });

        var failure = Assert.Single(result.Failures!);
        Assert.Equal($"HostGrid:Rebalancer:Aggressiveness must be between 1 and 5 (got {level}).", failure);
    }

    [Fact]
    public void Validate_BadSettings_EachFailureNamesItsSetting()
    {
        var options = new RebalancerOptions
        {
            Mode = (RebalanceMode)7,
            TargetImbalance = -0.1,
            MinImprovement = 0,
            MaxMovesPerPass = 0,
            MaxConcurrentMigrations = 0,
            VmCooldown = TimeSpan.FromSeconds(-1),
            SustainedWindow = TimeSpan.FromSeconds(-1),
            CpuWeight = 0,
            MemoryWeight = 0,
            HeadroomFraction = 1,
            Interval = TimeSpan.Zero,
        };

        var failures = _validator.Validate(null, options).Failures!;

        foreach (var setting in new[]
        {
            "Mode", "TargetImbalance", "MinImprovement", "MaxMovesPerPass", "MaxConcurrentMigrations", "VmCooldown",
            "SustainedWindow", "CpuWeight and MemoryWeight", "HeadroomFraction", "Interval",
        })
        {
            Assert.Contains(failures, f => f.StartsWith($"HostGrid:Rebalancer:{setting} must", StringComparison.Ordinal));
        }
    }
}
