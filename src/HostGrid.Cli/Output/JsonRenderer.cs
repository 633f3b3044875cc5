using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using HostGrid.Api.V1;

namespace HostGrid.Cli.Output;

/// <summary>
/// Protobuf JSON (proto3 mapping, default values included so every field is always present):
/// a single resource as an object, a list as an array of objects, a delete as <c>{}</c>.
/// </summary>
internal sealed class JsonRenderer(TextWriter output) : IOutputRenderer
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void WriteCluster(Api.V1.Cluster cluster) => Write(Formatter.Format(cluster));

    public void WriteHosts(IReadOnlyList<Host> hosts) => WriteArray(hosts);

    public void WriteHost(Host host, IReadOnlyList<Vm> vms) => Write(Formatter.Format(host));

    public void WriteVms(IReadOnlyList<Vm> vms) => WriteArray(vms);

    public void WriteVm(Vm vm) => Write(Formatter.Format(vm));

    public void WriteDeleted(string name) => Write(Formatter.Format(new DeleteVmResponse()));

    public void WriteFailovers(IReadOnlyList<Failover> failovers) => WriteArray(failovers);

    public void WriteFailover(Failover failover) => Write(Formatter.Format(failover));

    public void WriteOperations(IReadOnlyList<Operation> operations) => WriteArray(operations);

    public void WriteOperation(Operation operation) => Write(Formatter.Format(operation));

    public void WriteMaintenance(SetHostMaintenanceResponse response) => Write(Formatter.Format(response));

    public void WriteRebalancePlan(RebalancePlan plan) => Write(Formatter.Format(plan));

    public void WriteRebalancer(Rebalancer rebalancer) => Write(Formatter.Format(rebalancer));

    private void WriteArray(IEnumerable<IMessage> messages) => Write($"[{string.Join(',', messages.Select(m => Formatter.Format(m)))}]");

    // JsonFormatter writes one line; re-indent it for people reading --json output without jq.
    private void Write(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Indented))
            document.WriteTo(writer);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
