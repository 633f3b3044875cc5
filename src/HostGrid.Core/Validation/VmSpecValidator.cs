using HostGrid.Contracts.Errors;
using HostGrid.Contracts.Vms;

namespace HostGrid.Core.Validation;

/// <summary>Checks a create request before anything changes; each problem names the API field.</summary>
public static class VmSpecValidator
{
    public const int MaxVcpus = 1024;
    public const long MinMemoryMib = 64;
    public const long MaxMemoryMib = 16L * 1024 * 1024;
    public const long MaxDiskGib = 1024 * 1024;
    public const int MaxLabels = 64;
    public const int MaxLabelLength = 63;
    public const int MaxRequestIdLength = 64;

    public static VmId ValidateId(string? vmId, string field = "vm_id")
    {
        if (ResourceNames.Problem(vmId) is { } problem)
        {
            throw new InvalidSpecException(field, problem);
        }

        return new VmId(vmId!);
    }

    /// <summary>A create's retry key: empty for none, else 1-64 letters, digits, '-' and '_' (a UUID fits).</summary>
    public static string? ValidateRequestId(string? requestId, string field = "request_id")
    {
        if (string.IsNullOrEmpty(requestId))
        {
            return null;
        }

        Require(
            requestId.Length <= MaxRequestIdLength && requestId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
            field,
            $"must be at most {MaxRequestIdLength} letters, digits, '-' and '_' (got '{(requestId.Length > MaxRequestIdLength ? requestId[..MaxRequestIdLength] + "…" : requestId)}')");
        return requestId;
    }

    public static void Validate(VmSpec spec)
    {
        var r = spec.Resources;
        Require(r.Vcpus is >= 1 and <= MaxVcpus, "resources.vcpus", $"must be between 1 and {MaxVcpus} (got {r.Vcpus})");
        Require(r.MemoryMib is >= MinMemoryMib and <= MaxMemoryMib, "resources.memory_mib", $"must be between {MinMemoryMib} and {MaxMemoryMib} (got {r.MemoryMib})");
        Require(r.DiskGib is >= 1 and <= MaxDiskGib, "resources.disk_gib", $"must be between 1 and {MaxDiskGib} (got {r.DiskGib})");
        ValidateLabels(spec.Labels, "labels");
        ValidateLabels(spec.RequiredHostLabels, "required_host_labels");
        if (!string.IsNullOrEmpty(spec.AntiAffinityGroup) && ResourceNames.Problem(spec.AntiAffinityGroup) is { } groupProblem)
        {
            throw new InvalidSpecException("anti_affinity_group", groupProblem);
        }

        if (spec.TargetHost is { } host && ResourceNames.Problem(host.Value) is { } hostProblem)
        {
            throw new InvalidSpecException("target_host_id", hostProblem);
        }

        Require(Enum.IsDefined(spec.PlacementPolicy), "placement_policy", $"unknown policy {spec.PlacementPolicy}");
    }

    /// <summary>A guest larger than every host's whole capacity can never be placed: that is bad input, not a full cluster.</summary>
    public static void ValidateAgainstLargestHost(VmSpec spec, IReadOnlyCollection<HostSnapshot> hosts)
    {
        if (hosts.Count == 0)
        {
            return;
        }

        var r = spec.Resources;
        var maxCpu = hosts.Max(h => h.Capacity.Vcpus);
        var maxMemory = hosts.Max(h => h.Capacity.MemoryMib);
        var maxDisk = hosts.Max(h => h.Capacity.DiskGib);
        Require(r.Vcpus <= maxCpu, "resources.vcpus", $"{r.Vcpus} exceeds the largest host's capacity ({maxCpu})");
        Require(r.MemoryMib <= maxMemory, "resources.memory_mib", $"{r.MemoryMib} MiB exceeds the largest host's capacity ({maxMemory} MiB)");
        Require(r.DiskGib <= maxDisk, "resources.disk_gib", $"{r.DiskGib} GiB exceeds the largest host's capacity ({maxDisk} GiB)");
        Require(
            hosts.Any(h => r.FitsWithin(h.Capacity)),
            "resources",
            $"no single host has {r.Vcpus} vCPUs, {r.MemoryMib} MiB and {r.DiskGib} GiB together, even when empty");
    }

    private static void ValidateLabels(IReadOnlyDictionary<string, string> labels, string field)
    {
        Require(labels.Count <= MaxLabels, field, $"at most {MaxLabels} labels (got {labels.Count})");
        foreach (var (key, value) in labels)
        {
            Require(IsLabelText(key) && key.Length > 0, $"{field}[{key}]", $"label keys must be 1-{MaxLabelLength} characters of letters, digits, '-', '_', '.' and '/'");
            Require(IsLabelText(value), $"{field}[{key}]", $"label values must be at most {MaxLabelLength} characters of letters, digits, '-', '_', '.' and '/'");
        }
    }

    private static bool IsLabelText(string s) =>
        s.Length <= MaxLabelLength && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');

    private static void Require(bool condition, string field, string problem)
    {
        if (!condition)
        {
            throw new InvalidSpecException(field, problem);
        }
    }
}
