namespace Escala.Server.Security;

/// <summary>
/// Secrets from files: an environment variable <c>ESCALA_Some__Key_FILE=/run/secrets/x</c> sets <c>Some:Key</c>
/// to the file's content (trailing newline trimmed), as Docker and Kubernetes secrets are mounted. A missing
/// file stops start-up naming the variable.
/// </summary>
public sealed class SecretFilesSource(string prefix) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(prefix);

    private sealed class Provider(string prefix) : ConfigurationProvider
    {
        public override void Load()
        {
            foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
            {
                var name = (string)variable.Key;
                if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || !name.EndsWith("_FILE", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = (string?)variable.Value ?? "";
                if (!File.Exists(path))
                {
                    throw new Escala.Configuration.ConfigurationException([$"{name}: the file '{path}' does not exist."]);
                }

                var key = name[prefix.Length..^"_FILE".Length].Replace("__", ":", StringComparison.Ordinal);
                Data[key] = File.ReadAllText(path).TrimEnd('\r', '\n');
            }
        }
    }
}
