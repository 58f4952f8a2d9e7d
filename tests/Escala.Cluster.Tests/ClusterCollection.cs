namespace Escala.Cluster.Tests;

/// <summary>
/// Every cluster test joins this collection: one PostgreSQL for all of them, and the tests run one
/// after another (they start several processes each and one of them restarts the database).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<PostgresCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}
