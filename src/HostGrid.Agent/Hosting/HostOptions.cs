namespace HostGrid.Agent.Hosting;

/// <summary>One host an agent serves: its id, capacity and labels.</summary>
public sealed class HostOptions
{
    /// <summary>Host id, a DNS label such as <c>hv-rack1-07</c>.</summary>
    public string Id { get; set; } = "";

    public int Vcpus { get; set; }

    public long MemoryMib { get; set; }

    public long DiskGib { get; set; }

    /// <summary>Labels placement can require, e.g. <c>zone</c>, <c>rack</c>.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];
}
