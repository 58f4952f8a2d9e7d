using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Escala.Server.Api.OpenApi;

/// <summary>
/// Completes the generated OpenAPI document with what endpoints that read and write JSON themselves cannot
/// describe: request bodies, responses and problem details, with schemas and examples, for every <c>/v1</c>
/// operation. They are written once, as OpenAPI, in <c>escala-api.json</c> next to this file (embedded), so
/// <c>/docs</c> can submit a job and clients can be generated; a test checks real responses against them.
/// </summary>
public sealed class EscalaOpenApi : IOpenApiDocumentTransformer
{
    private static readonly Lazy<OpenApiDocument> Fragment = new(Load);

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var fragment = Fragment.Value;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, schema) in fragment.Components!.Schemas!)
        {
            document.Components.Schemas[name] = schema;
        }

        foreach (var (path, item) in fragment.Paths)
        {
            if (!document.Paths.TryGetValue(path, out var target) || target.Operations is null || item.Operations is null)
            {
                continue;
            }

            foreach (var (method, described) in item.Operations)
            {
                if (!target.Operations.TryGetValue(method, out var operation))
                {
                    continue;
                }

                if (described.RequestBody is not null)
                {
                    operation.RequestBody = described.RequestBody;
                }

                operation.Responses = described.Responses;
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiDocument Load()
    {
        using var stream = typeof(EscalaOpenApi).Assembly.GetManifestResourceStream("Escala.Server.Api.OpenApi.escala-api.json")
            ?? throw new InvalidOperationException("escala-api.json is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        var read = OpenApiDocument.Load(buffer, "json");
        if (read.Document is null || read.Diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException("escala-api.json: " + string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? []));
        }

        return read.Document;
    }
}
