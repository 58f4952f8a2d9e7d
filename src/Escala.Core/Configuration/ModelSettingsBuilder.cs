namespace Escala.Configuration;

/// <summary>
/// Validates <c>models</c>: every error names its key (<c>models:qwen:endpoints[0]</c>). Adds each model's resource to
/// the <c>llm.chat</c> kind's default resources, declaring it (with no limits) when <c>resources</c> does not.
/// </summary>
public static class ModelSettingsBuilder
{
    /// <param name="readEnvironment">Reads an environment variable (tests pass their own).</param>
    public static IReadOnlyDictionary<string, ModelSettings> Build(
        IReadOnlyDictionary<string, ModelOptions> options,
        Dictionary<string, ResourceSettings> resources,
        Dictionary<string, string[]> kindResources,
        List<string> errors,
        Func<string, string?>? readEnvironment = null)
    {
        readEnvironment ??= Environment.GetEnvironmentVariable;
        var models = new Dictionary<string, ModelSettings>(StringComparer.Ordinal);
        foreach (var (name, model) in options)
        {
            var key = $"models:{name}";
            if (!SettingsBuilder.IsValidName(name))
            {
                errors.Add($"{key}: '{name}' is not a valid name (letters, digits, '_', '.', '-'; at most 64).");
            }

            var endpoints = new List<Uri>();
            if (model.Endpoints.Length == 0)
            {
                errors.Add($"{key}:endpoints: give at least one base URL, such as http://127.0.0.1:11434/v1.");
            }

            for (var i = 0; i < model.Endpoints.Length; i++)
            {
                if (Uri.TryCreate(model.Endpoints[i], UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                {
                    endpoints.Add(uri);
                }
                else
                {
                    errors.Add($"{key}:endpoints[{i}]: '{model.Endpoints[i]}' is not an http(s) URL.");
                }
            }

            if (!SettingsBuilder.IsValidName(model.Resource))
            {
                errors.Add($"{key}:resource: '{model.Resource}' is not a valid resource name.");
            }

            if (model.Fallback is { } fallback && (fallback == name || !options.ContainsKey(fallback)))
            {
                errors.Add($"{key}:fallback: '{fallback}' is not another model under models.");
            }

            if (model.MaxTokens is < 1 or > 1_000_000)
            {
                errors.Add($"{key}:maxTokens: {model.MaxTokens} is outside 1..1000000.");
            }

            if (model.EndpointFailures is < 1 or > 1000)
            {
                errors.Add($"{key}:endpointFailures: {model.EndpointFailures} is outside 1..1000.");
            }

            if (!Durations.TryParse(model.EndpointOpenFor, out var openFor) || openFor <= TimeSpan.Zero)
            {
                errors.Add($"{key}:endpointOpenFor: '{model.EndpointOpenFor}' is not a duration longer than zero, such as 30s.");
            }

            models[name] = new ModelSettings
            {
                Name = name,
                Endpoints = endpoints,
                Model = string.IsNullOrWhiteSpace(model.Model) ? name : model.Model,
                ApiKey = ReadKey(key, model.ApiKeyEnv, errors, readEnvironment),
                Resource = model.Resource,
                Fallback = model.Fallback,
                MaxTokens = model.MaxTokens,
                EndpointFailures = model.EndpointFailures,
                EndpointOpenFor = openFor,
            };

            resources.TryAdd(model.Resource, new ResourceSettings { Name = model.Resource });
            var kind = kindResources.GetValueOrDefault(ModelDefaults.Kind) ?? [];
            if (!kind.Contains(model.Resource, StringComparer.Ordinal))
            {
                kindResources[ModelDefaults.Kind] = [.. kind, model.Resource];
            }
        }

        return models;
    }

    private static string? ReadKey(string key, string? variable, List<string> errors, Func<string, string?> readEnvironment)
    {
        if (string.IsNullOrWhiteSpace(variable))
        {
            return null;
        }

        if (readEnvironment(variable) is { Length: > 0 } value)
        {
            return value.Trim();
        }

        if (readEnvironment(variable + "_FILE") is { Length: > 0 } file)
        {
            try
            {
                return File.ReadAllText(file).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{key}:apiKeyEnv: the file named by {variable}_FILE cannot be read.");
                return null;
            }
        }

        errors.Add($"{key}:apiKeyEnv: neither {variable} nor {variable}_FILE is set.");
        return null;
    }
}
