using System.Text.Json;
using Escala.Execution;

namespace Escala.Server.Tests.Support.Handlers;

/// <summary><c>parents</c>: a workflow step whose result is every parent's result by step name, read page by page.</summary>
internal sealed class ParentsHandler : IJobHandler
{
    public const string JobKind = "parents";

    public string Kind => JobKind;

    public async Task<object?> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var results = new SortedDictionary<string, JsonElement?>(StringComparer.Ordinal);
        long? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var parents = await context.GetParentsAsync(cursor, limit: 2, cancellationToken: cancellationToken);
            foreach (var parent in parents.Parents)
            {
                results[parent.Step] = parent.Result is null ? null : JsonDocument.Parse(parent.Result).RootElement.Clone();
            }

            cursor = parents.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        return results;
    }
}
