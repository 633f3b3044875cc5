using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Vms;

/// <summary>`hostgrid vms create NAME --cpus N --memory MIB ...`: places and (unless --stopped) starts a VM.</summary>
internal static class VmCreateCommand
{
    public const int DefaultDiskGib = 10;

    /// <summary>The guest label the simulated hypervisor reads a guest's workload profile from (HostGrid.Hypervisor's <c>WorkloadProfiles.Label</c>).</summary>
    public const string ProfileLabel = "sim.hostgrid.io/profile";

    /// <summary>The simulated driver's workload profiles.</summary>
    public static readonly string[] Profiles = ["steady", "diurnal", "bursty", "idle"];

    public static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "VM id: a DNS label (a-z, 0-9, '-')" };
        var cpus = NumberOption.Positive<int>("--cpus", "Virtual CPUs", "N");
        cpus.Required = true;
        var memory = NumberOption.Positive<long>("--memory", "Memory in MiB", "MIB");
        memory.Required = true;
        var disk = NumberOption.Positive<long>("--disk", "Disk in GiB", "GIB");
        disk.DefaultValueFactory = _ => DefaultDiskGib;
        var labels = LabelOption.Create("--label", "Label on the VM (repeatable)");
        var antiAffinity = new Option<string>("--anti-affinity") { Description = "Never share a host with VMs of this group", HelpName = "GROUP" };
        var host = new Option<string>("--host") { Description = "Place on this host only", HelpName = "HOST" };
        var requiredLabels = LabelOption.Create("--require-label", "Host label the chosen host must carry (repeatable)");
        var pack = new Option<bool>("--pack") { Description = "Prefer the fullest host that fits (default: spread)" };
        var stopped = new Option<bool>("--stopped") { Description = "Reserve capacity but leave the VM stopped" };
        var restartPriority = EnumOption.Create<RestartPriority>(
            "--restart-priority", "Order in which failover restarts the VM if its host dies; disabled: never (default: medium)");
        var profile = new Option<string>("--profile")
        {
            Description = $"Simulated driver only: how the guest's load changes over time (sets the label {ProfileLabel}; default steady)",
            HelpName = string.Join('|', Profiles),
        };
        profile.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (text is not null && !Profiles.Contains(text, StringComparer.OrdinalIgnoreCase))
                result.AddError($"--profile: expected one of {string.Join(", ", Profiles)}, got '{text}'");
        });
        var pinned = new Option<bool>("--pinned") { Description = "The rebalancer never moves this VM (migratable=false); operators and drains still can" };

        var command = new Command("create", "Create a VM: place it on a host and start it")
        {
            name, cpus, memory, disk, labels, antiAffinity, host, requiredLabels, pack, stopped, restartPriority, profile, pinned,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new CreateVmRequest
            {
                VmId = parse.GetRequiredValue(name),
                Resources = new Resources { Vcpus = parse.GetValue(cpus), MemoryMib = parse.GetValue(memory), DiskGib = parse.GetValue(disk) },
                AntiAffinityGroup = parse.GetValue(antiAffinity) ?? "",
                TargetHostId = parse.GetValue(host) ?? "",
                PlacementPolicy = parse.GetValue(pack) ? PlacementPolicy.Pack : PlacementPolicy.Unspecified,
                StartStopped = parse.GetValue(stopped),
                RestartPriority = parse.GetValue(restartPriority),
            };
            request.Labels.Add(parse.GetRequiredValue(labels));
            if (parse.GetValue(profile) is { } chosen)
                request.Labels[ProfileLabel] = chosen.ToLowerInvariant();
            if (parse.GetValue(pinned))
                request.Migratable = false;
            request.RequiredHostLabels.Add(parse.GetRequiredValue(requiredLabels));

            using var gateway = cli.Connect(parse);
            cli.Renderer(parse).WriteVm(await gateway.Vms.CreateVmAsync(request, gateway.Call(ct)));
        });
        return command;
    }
}
