using System.CommandLine;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Vms;

/// <summary>`hostgrid vms create NAME --cpus N --memory MIB ...`: places and (unless --stopped) starts a VM.</summary>
internal static class VmCreateCommand
{
    public const int DefaultDiskGib = 10;

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

        var command = new Command("create", "Create a VM: place it on a host and start it")
        {
            name, cpus, memory, disk, labels, antiAffinity, host, requiredLabels, pack, stopped, restartPriority,
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
            request.RequiredHostLabels.Add(parse.GetRequiredValue(requiredLabels));

            using var gateway = cli.Connect(parse);
            cli.Renderer(parse).WriteVm(await gateway.Vms.CreateVmAsync(request, gateway.Call(ct)));
        });
        return command;
    }
}
