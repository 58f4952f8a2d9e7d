using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary>
/// One kind of user action against the API. The runner times it (from the intended start in the open model) and
/// records its <see cref="Outcome"/>. Extension point: a new operation type gets one implementation here.
/// </summary>
public interface IOperation
{
    Task<Outcome> RunAsync(HttpClient api, CancellationToken ct);
}
