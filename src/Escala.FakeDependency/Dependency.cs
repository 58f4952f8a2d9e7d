namespace Escala.FakeDependency;

/// <summary>One named fake dependency: its default behaviour and its counters.</summary>
public sealed class Dependency
{
    private Behaviour _behaviour = Behaviour.Default;

    public Behaviour Behaviour
    {
        get => Volatile.Read(ref _behaviour);
        set => Volatile.Write(ref _behaviour, value);
    }

    public DependencyStats Stats { get; } = new();

    /// <summary>The turns of <see cref="Behaviour.Capacity"/>.</summary>
    public CapacityGate Gate { get; } = new();
}
