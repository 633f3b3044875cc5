namespace HostGrid.Hypervisor.Qemu;

/// <summary>How QEMU runs guest code.</summary>
public enum QemuAccelerator
{
    /// <summary>KVM when <c>/dev/kvm</c> opens and is hardware-backed (not PVM, a software KVM), otherwise TCG.</summary>
    Auto,

    /// <summary>Hardware virtualisation; fails to start guests where <c>/dev/kvm</c> is missing.</summary>
    Kvm,

    /// <summary>QEMU's emulator: slower, but runs anywhere (containers, CI machines without nested virtualisation).</summary>
    Tcg,
}
