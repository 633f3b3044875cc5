using Grpc.Core;
using Proto = HostGrid.Api.V1;

namespace HostGrid.Gateway.Api;

/// <summary>Guest lifecycle over gRPC; every command goes to the guest's <see cref="IVmGrain"/>.</summary>
public sealed class VmApi : Proto.VmService.VmServiceBase
{
    private readonly ClusterReader _cluster;

    public VmApi(ClusterReader cluster) => _cluster = cluster;

    public override async Task<Proto.Vm> CreateVm(Proto.CreateVmRequest request, ServerCallContext context)
    {
        var (id, command) = ApiMapper.ToCommand(request);
        return ApiMapper.ToProto(await _cluster.Vm(id).CreateAsync(command));
    }

    public override async Task<Proto.Vm> GetVm(Proto.GetVmRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Vm(ApiMapper.ParseVmName(request.Name)).GetAsync());

    public override async Task<Proto.Vm> StartVm(Proto.StartVmRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Vm(ApiMapper.ParseVmName(request.Name)).StartAsync());

    public override async Task<Proto.Vm> StopVm(Proto.StopVmRequest request, ServerCallContext context) =>
        ApiMapper.ToProto(await _cluster.Vm(ApiMapper.ParseVmName(request.Name)).StopAsync());

    public override async Task<Proto.DeleteVmResponse> DeleteVm(Proto.DeleteVmRequest request, ServerCallContext context)
    {
        await _cluster.Vm(ApiMapper.ParseVmName(request.Name)).DeleteAsync();
        return new Proto.DeleteVmResponse();
    }

    public override async Task<Proto.Operation> MigrateVm(Proto.MigrateVmRequest request, ServerCallContext context)
    {
        var id = ApiMapper.ParseVmName(request.Name);
        var target = ApiMapper.ParseOptionalHostName(request.TargetHostId, "target_host_id");
        return ApiMapper.ToProto(await _cluster.Vm(id).MigrateAsync(target));
    }

    public override async Task<Proto.ListVmsResponse> ListVms(Proto.ListVmsRequest request, ServerCallContext context)
    {
        var host = string.IsNullOrEmpty(request.HostId) ? (HostId?)null : ApiMapper.ParseHostName(request.HostId, "host_id");
        var state = ApiMapper.FromProto(request.State, "state");
        var summaries = await _cluster.Inventory.ListVmsAsync();
        var matching = summaries.Where(s =>
            (host is null || s.Host == host)
            && (state is null || s.State == state)
            && ApiMapper.HasLabels(s.Labels, request.Labels));
        var (page, next) = PageToken.Take(matching, s => s.VmId.Value, request.PageToken, request.PageSize);
        var vms = await _cluster.VmsAsync(page.Select(s => s.VmId));
        var response = new Proto.ListVmsResponse { NextPageToken = next };
        response.Vms.AddRange(vms.Select(ApiMapper.ToProto));
        return response;
    }
}
