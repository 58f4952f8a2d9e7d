namespace Escala.Governance.Tests;

/// <summary>Every test class that needs the server joins this collection and shares one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
