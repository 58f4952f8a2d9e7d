using Escala.Jobs;

namespace Escala.Storage;

/// <param name="Job">The job as it was deleted, or as it still is when not final; null when not found.</param>
public sealed record DiscardResult(DiscardStatus Status, Job? Job);
