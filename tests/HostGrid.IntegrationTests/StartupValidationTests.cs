using System.Diagnostics;
using HostGrid.Testing;

namespace HostGrid.IntegrationTests;

/// <summary>A bad setting stops the process at start with a message naming it.</summary>
[Trait("Category", "Integration")]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("HostGrid.Agent", "hostgrid-agent", "HostGrid__Agent__Hosts__0__Id", "Bad_Host", "HostGrid:Agent:Hosts:0:Id")]
    [InlineData("HostGrid.Agent", "hostgrid-agent", "HostGrid__Failover__IsolationTimeout", "00:00:01", "HostGrid:Failover:IsolationTimeout")]
    [InlineData("HostGrid.Gateway", "hostgrid-gateway", "HostGrid__Gateway__Port", "70000", "HostGrid:Gateway:Port")]
    public async Task Start_InvalidSetting_ExitsWithCode2NamingTheSetting(string project, string assembly, string variable, string value, string named)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Repo.Dll(project, assembly));
        info.Environment["HostGrid__Cluster__ConnectionString"] = "Host=127.0.0.1;Port=1";
        info.Environment["HostGrid__Agent__Hosts__0__Id"] = "hv-1";
        info.Environment["HostGrid__Agent__Hosts__0__Vcpus"] = "4";
        info.Environment["HostGrid__Agent__Hosts__0__MemoryMib"] = "4096";
        info.Environment["HostGrid__Agent__Hosts__0__DiskGib"] = "100";
        info.Environment[variable] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(named, await stderr, StringComparison.Ordinal);
    }
}
