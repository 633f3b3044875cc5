using System.Net;
using Microsoft.Extensions.Options;

namespace HostGrid.Hypervisor.Qemu;

/// <summary>Rejects QEMU driver settings that cannot work, naming the setting.</summary>
public sealed class QemuOptionsValidator : IValidateOptions<QemuOptions>
{
    private const string Section = QemuOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, QemuOptions options)
    {
        var failures = new List<string>();
        Require(failures, options.Binary, nameof(QemuOptions.Binary));
        Require(failures, options.ImageTool, nameof(QemuOptions.ImageTool));
        Require(failures, options.StateDirectory, nameof(QemuOptions.StateDirectory));
        Require(failures, options.DiskDirectory, nameof(QemuOptions.DiskDirectory));
        if (options.StateDirectory is { Length: > 0 } state && !Path.IsPathRooted(state))
        {
            failures.Add($"{Section}:StateDirectory must be an absolute path (got '{state}').");
        }

        if (options.PowerdownTimeout < TimeSpan.Zero)
        {
            failures.Add($"{Section}:PowerdownTimeout must not be negative (got {options.PowerdownTimeout}).");
        }

        if (options.CommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:CommandTimeout must be positive (got {options.CommandTimeout}).");
        }

        if (options.LeaseWait < TimeSpan.Zero)
        {
            failures.Add($"{Section}:LeaseWait must not be negative (got {options.LeaseWait}).");
        }

        if (!IPAddress.TryParse(options.MigrationListenAddress, out _))
        {
            failures.Add($"{Section}:MigrationListenAddress must be an IP address (got '{options.MigrationListenAddress}').");
        }

        if (!double.IsFinite(options.MigrationBandwidthMibPerSecond) || options.MigrationBandwidthMibPerSecond < 0)
        {
            failures.Add($"{Section}:MigrationBandwidthMibPerSecond must be 0 (no cap) or more (got {options.MigrationBandwidthMibPerSecond}).");
        }

        if (options.MigrationSocketBufferKib != 0
            && options.MigrationSocketBufferKib is < QemuOptions.MinMigrationSocketBufferKib or > QemuOptions.MaxMigrationSocketBufferKib)
        {
            failures.Add($"{Section}:MigrationSocketBufferKib must be 0 (the kernel's) or {QemuOptions.MinMigrationSocketBufferKib} to {QemuOptions.MaxMigrationSocketBufferKib} (got {options.MigrationSocketBufferKib}).");
        }

        if (options.PostCopyAfterRounds < 0)
        {
            failures.Add($"{Section}:PostCopyAfterRounds must be 0 (never) or more (got {options.PostCopyAfterRounds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string value, string setting)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Section}:{setting} must be set.");
        }
    }
}
