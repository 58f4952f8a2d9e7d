namespace Escala.Server.Tests.Support;

/// <summary>Tests that run <c>escala</c> child processes: one at a time, after the in-process tests, so timings stay honest.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "escala processes";
}
