using Escala.Storage;
using Escala.Storage.Conformance;

namespace Escala.Postgres.Tests;

/// <summary>The shared store suite against PostgreSQL, each test on its own fresh database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConformanceTests(PostgresServer server) : JobStoreConformance
{
    private readonly StoreScope _scope = new(server);

    protected override async Task<IJobStore> CreateStoreAsync() => await _scope.NewStoreAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _scope.DisposeAsync();
    }
}
