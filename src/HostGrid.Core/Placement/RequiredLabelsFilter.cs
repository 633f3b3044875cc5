namespace HostGrid.Core.Placement;

/// <summary>The host carries every label the guest requires.</summary>
public sealed class RequiredLabelsFilter : IPlacementFilter
{
    public string Name => "required-labels";

    public string? Reject(PlacementRequest request, HostSnapshot host)
    {
        foreach (var (key, value) in request.Spec.RequiredHostLabels)
        {
            if (!host.Labels.TryGetValue(key, out var actual) || actual != value)
            {
                return $"lacks label {key}={value}";
            }
        }

        return null;
    }
}
