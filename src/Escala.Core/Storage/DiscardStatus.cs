namespace Escala.Storage;

/// <summary>What <see cref="IJobDiscardStore.DiscardAsync"/> did.</summary>
public enum DiscardStatus
{
    /// <summary>No such job in the tenant.</summary>
    NotFound,

    /// <summary>The job was final and is now deleted.</summary>
    Discarded,

    /// <summary>The job is waiting or running; nothing changed.</summary>
    NotFinal,
}
