using System.Collections;
using Escala.Configuration;

namespace Escala.Server.Hosting;

/// <summary>
/// A node's configuration, read at start-up from <c>escala.json</c> (or <c>--config FILE</c>), then
/// <c>ESCALA_</c> environment variables, then flags; every key checked against <see cref="EscalaOptions"/>.
/// </summary>
/// <param name="Options">The checked options.</param>
/// <param name="Configuration">The merged keys, for what reads configuration itself (logging).</param>
/// <param name="File">The absolute path of the file that was loaded, or null when there was none.</param>
/// <param name="SearchedFile">The absolute path that was looked at when no <c>--config</c> was given.</param>
public sealed record NodeConfiguration(EscalaOptions Options, IConfiguration Configuration, string? File, string SearchedFile)
{
    /// <summary>The file read when no <c>--config</c> is given, in the working directory.</summary>
    public const string FileName = "escala.json";

    /// <summary>The prefix of configuration variables: <c>ESCALA_Queues__llm__Concurrency</c> is <c>queues:llm:concurrency</c>.</summary>
    public const string EnvironmentPrefix = "ESCALA_";

    /// <summary>
    /// <c>ESCALA_</c> variables that are not keys themselves: <c>ESCALA_X_FILE</c> names a file holding key X
    /// (<see cref="Security.SecretFilesSource"/>); and those that belong to other tools and are not server keys: the command-line client's
    /// and the SDKs' server address and API key, the Python worker's log level and its tests' server, the PII scanner's
    /// hash key (read by <c>pii.scan</c> and <c>escala pii scan</c> themselves), and the test suite's (<c>ESCALA_TEST_*</c>).
    /// </summary>
    private static readonly string[] OtherTools = ["ESCALA_URL", "ESCALA_API_KEY", "ESCALA_LOG_LEVEL", "ESCALA_SERVER_DLL"];

    private const string TestPrefix = "ESCALA_TEST_";

    /// <summary>Reads and checks everything; throws <see cref="ConfigurationException"/> naming every bad or unknown key.</summary>
    /// <remarks>A relative <c>--config</c> is relative to the working directory of the caller (<c>dotnet run</c> keeps it).</remarks>
    public static NodeConfiguration Load(ServeOptions serve)
    {
        ArgumentNullException.ThrowIfNull(serve);
        var searched = Path.GetFullPath(serve.Config ?? FileName);
        if (serve.Config is not null && !System.IO.File.Exists(searched))
        {
            throw new ConfigurationException([$"--config: the file '{searched}' does not exist."]);
        }

        var file = System.IO.File.Exists(searched) ? searched : null;
        var environment = ReadEnvironment(Environment.GetEnvironmentVariables());
        var flags = Flags(serve);
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(LoggingDefaults.LogLevel.Select(l =>
                new KeyValuePair<string, string?>($"Logging:LogLevel:{l.Key}", l.Value.ToString())));
        if (file is not null)
        {
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value.Value)));
        builder.Add(new Security.SecretFilesSource(EnvironmentPrefix));
        builder.AddInMemoryCollection(flags);
        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new ConfigurationException([$"{file}: {ex.Message}"]);
        }

        string? SourceOf(string path)
        {
            if (environment.FirstOrDefault(e => Covers(e.Key, path)) is { Key: not null } variable)
            {
                return $"from {variable.Value.Variable}";
            }

            return flags.Keys.Any(k => Covers(k, path)) ? "from the command line" : file is null ? null : $"in {file}";
        }

        var options = EscalaConfiguration.Load(configuration, SourceOf);
        if (options.Schema is { } schema && !Postgres.PostgresStoreOptions.IsValidSchema(schema))
        {
            throw new ConfigurationException(
                [$"schema: '{schema}' is not a valid schema name; use lower-case letters, digits and underscores, starting with a letter (at most 63)."]);
        }

        return new NodeConfiguration(options, configuration, file, searched);
    }

    /// <summary>The <c>ESCALA_</c> variables as keys (<c>__</c> is <c>:</c>), each with its variable's name and value.</summary>
    internal static Dictionary<string, (string Variable, string? Value)> ReadEnvironment(IDictionary variables)
    {
        var keys = new Dictionary<string, (string, string?)>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in variables)
        {
            var name = (string)entry.Key;
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && !name.StartsWith(TestPrefix, StringComparison.OrdinalIgnoreCase)
                && !name.EndsWith(Security.SecretFilesSource.Suffix, StringComparison.Ordinal)
                && !OtherTools.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                keys[name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = (name, entry.Value as string);
            }
        }

        return keys;
    }

    private static Dictionary<string, string?> Flags(ServeOptions serve)
    {
        var flags = new Dictionary<string, string?>(serve.Overrides, StringComparer.OrdinalIgnoreCase);
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                flags[key] = value;
            }
        }

        Set(nameof(EscalaOptions.Role), serve.Role);
        Set(nameof(EscalaOptions.Store), serve.Store);
        Set(nameof(EscalaOptions.Data), serve.Data is null ? null : Path.GetFullPath(serve.Data));
        Set(nameof(EscalaOptions.Urls), serve.Urls);
        return flags;
    }

    /// <summary>Whether <paramref name="key"/> is <paramref name="path"/> or lies under it.</summary>
    private static bool Covers(string key, string path) =>
        key.Equals(path, StringComparison.OrdinalIgnoreCase)
        || key.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase);
}
