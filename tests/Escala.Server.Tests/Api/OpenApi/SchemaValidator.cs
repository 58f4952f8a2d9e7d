using System.Text.Json.Nodes;

namespace Escala.Server.Tests.Api.OpenApi;

/// <summary>
/// Checks a JSON value against a schema of an OpenAPI 3.1 document: <c>$ref</c>, <c>type</c> (one or a list),
/// <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c> and <c>enum</c> — what the
/// document uses. Returns every mismatch with its JSON path (none when the value conforms).
/// </summary>
internal sealed class SchemaValidator(JsonNode document)
{
    public List<string> Validate(JsonNode? value, JsonNode schema, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    private void Check(JsonNode? value, JsonNode schema, string path, List<string> errors)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            Check(value, Resolve(reference), path, errors);
            return;
        }

        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            var actual = TypeOf(value);
            if (!allowed.Contains(actual) && !(actual == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{path}: {actual}, expected {string.Join(" or ", allowed)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray options && value is not null && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            errors.Add($"{path}: {value.ToJsonString()} is not one of {options.ToJsonString()}");
        }

        if (value is JsonObject obj)
        {
            foreach (var name in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{path}: missing required {name}");
                }
            }

            var properties = schema["properties"]?.AsObject();
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is { } property)
                {
                    Check(child, property, $"{path}.{name}", errors);
                }
                else if (schema["additionalProperties"] is { } additional)
                {
                    if (additional is JsonValue flag && !flag.GetValue<bool>())
                    {
                        errors.Add($"{path}: {name} is not in the schema");
                    }
                    else if (additional is JsonObject)
                    {
                        Check(child, additional, $"{path}.{name}", errors);
                    }
                }
            }
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        var node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            node = node[part] ?? throw new InvalidOperationException($"unresolved {reference}");
        }

        return node;
    }

    private static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
        _ => "unknown",
    };
}
