using HostGrid.Core.Migration;

namespace HostGrid.Core.Tests.Migration;

public sealed class MigrationOptionsValidatorTests
{
    private readonly MigrationOptionsValidator _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(_validator.Validate(null, new MigrationOptions()).Succeeded);
    }

    [Theory]
    [InlineData("MaxDowntime")]
    [InlineData("MaxRounds")]
    [InlineData("Timeout")]
    [InlineData("ThrottleInitialPercent")]
    [InlineData("ThrottleIncrementPercent")]
    [InlineData("ThrottleMaxPercent")]
    [InlineData("DrainParallelism")]
    public void Validate_BadSetting_FailureNamesIt(string setting)
    {
        var options = new MigrationOptions();
        switch (setting)
        {
            case "MaxDowntime": options.MaxDowntime = TimeSpan.Zero; break;
            case "MaxRounds": options.MaxRounds = 0; break;
            case "Timeout": options.Timeout = TimeSpan.FromSeconds(-1); break;
            case "ThrottleInitialPercent": options.ThrottleInitialPercent = 0; break;
            case "ThrottleIncrementPercent": options.ThrottleIncrementPercent = 100; break;
            case "ThrottleMaxPercent": options.ThrottleMaxPercent = 10; break;
            case "DrainParallelism": options.DrainParallelism = 0; break;
        }

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"HostGrid:Migration:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }
}
