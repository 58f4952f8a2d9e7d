using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>Capabilities that promise whole-store operations come with them.</summary>
public abstract partial class JobStoreConformance
{
    [Fact]
    public void Capabilities_SchemasOrPlannerStatistics_ComeWithStoreAdministration() =>
        Assert.Equal(Store.Capabilities.Schemas || Store.Capabilities.PlannerStatistics, Store is IStoreAdministration);
}
