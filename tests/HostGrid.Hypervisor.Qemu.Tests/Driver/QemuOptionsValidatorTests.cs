using Xunit;

namespace HostGrid.Hypervisor.Qemu.Tests.Driver;

public sealed class QemuOptionsValidatorTests
{
    private static readonly QemuOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_Pass() => Assert.True(Validator.Validate(null, new QemuOptions()).Succeeded);

    [Fact]
    public void Validate_SocketBufferZero_LeavesItToTheKernel() =>
        Assert.True(Validator.Validate(null, new QemuOptions { MigrationSocketBufferKib = 0 }).Succeeded);

    [Theory]
    [InlineData("StateDirectory", "relative/state")]
    [InlineData("MigrationListenAddress", "not-an-ip")]
    [InlineData("MigrationBandwidthMibPerSecond", "-1")]
    [InlineData("PostCopyAfterRounds", "-1")]
    [InlineData("MigrationSocketBufferKib", "8")]
    [InlineData("MigrationSocketBufferKib", "-1")]
    [InlineData("CommandTimeout", "0")]
    [InlineData("Binary", "")]
    public void Validate_BadSetting_FailureNamesIt(string setting, string value)
    {
        var options = new QemuOptions();
        switch (setting)
        {
            case "StateDirectory": options.StateDirectory = value; break;
            case "MigrationListenAddress": options.MigrationListenAddress = value; break;
            case "MigrationBandwidthMibPerSecond": options.MigrationBandwidthMibPerSecond = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "PostCopyAfterRounds": options.PostCopyAfterRounds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "MigrationSocketBufferKib": options.MigrationSocketBufferKib = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "CommandTimeout": options.CommandTimeout = TimeSpan.Zero; break;
            case "Binary": options.Binary = value; break;
        }

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"HostGrid:Qemu:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }
}
