using System.Globalization;

namespace HostGrid.Hypervisor.Qemu.Guests;

/// <summary>Turns a guest spec into QEMU's arguments. Source and destination of a migration get the same machine.</summary>
public static class QemuCommandLine
{
    /// <param name="vmId">The guest.</param>
    /// <param name="spec">Its resources and labels.</param>
    /// <param name="files">Its files on this host.</param>
    /// <param name="accelerator"><c>kvm</c> or <c>tcg</c>.</param>
    /// <param name="kernel">Kernel to boot directly, or null to boot the disk.</param>
    /// <param name="disk">The guest's disk image, or null for none.</param>
    /// <param name="incoming">An incoming migration copy: paused (<c>-S</c>) until activated, waiting for <c>migrate-incoming</c>.</param>
    public static IReadOnlyList<string> Build(VmId vmId, GuestSpec spec, GuestFiles files, string accelerator, string? kernel, string? disk, bool incoming)
    {
        var args = new List<string>
        {
            "-name", $"guest={vmId.Value},debug-threads=on",
            "-machine", $"q35,accel={accelerator}",
            "-m", $"{spec.Resources.MemoryMib.ToString(CultureInfo.InvariantCulture)}M",
            "-smp", Math.Max(1, spec.Resources.Vcpus).ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-no-user-config", "-nographic", "-display", "none", "-serial", "none",
            "-qmp", $"unix:{files.QmpSocket},server=on,wait=off",
            "-qmp", $"unix:{files.MonitorSocket},server=on,wait=off",
            "-daemonize", "-pidfile", files.PidFile,
            "-D", files.QemuLog,
            // The guest's console: the test guest writes its log to the debug port.
            "-chardev", $"file,id=console,path={files.ConsoleLog},append=on",
            "-device", "isa-debugcon,iobase=0x402,chardev=console",
        };
        if (kernel is not null)
        {
            args.AddRange(["-kernel", kernel]);
            if (TestGuestArguments(spec) is { Length: > 0 } append)
            {
                args.AddRange(["-append", append]);
            }
        }

        if (disk is not null)
        {
            args.AddRange(["-drive", $"file={disk},if=virtio,format=qcow2"]);
        }

        if (incoming)
        {
            args.AddRange(["-S", "-incoming", "defer"]);
        }

        return args;
    }

    /// <summary>The test guest's command line from the guest's labels (working set and dirty rate), or empty.</summary>
    public static string TestGuestArguments(GuestSpec spec)
    {
        var parts = new List<string>();
        if (Label(spec, QemuOptions.WorkingSetLabel) is { } wss)
        {
            parts.Add($"wss_mib={wss.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Label(spec, QemuOptions.DirtyRateLabel) is { } rate)
        {
            parts.Add($"dirty_mib_s={rate.ToString(CultureInfo.InvariantCulture)}");
        }

        return string.Join(' ', parts);
    }

    private static int? Label(GuestSpec spec, string key) =>
        spec.Labels.TryGetValue(key, out var value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
