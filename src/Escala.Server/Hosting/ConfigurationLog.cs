namespace Escala.Server.Hosting;

/// <summary>Start-up logs about where the configuration came from.</summary>
internal static partial class ConfigurationLog
{
    public static void Loaded(ILogger logger, NodeConfiguration configuration)
    {
        if (configuration.File is { } file)
        {
            FileLoaded(logger, file);
        }
        else
        {
            NoFile(logger, configuration.SearchedFile);
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Configuration file {ConfigFile} loaded")]
    private static partial void FileLoaded(ILogger logger, string configFile);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information,
        Message = "No configuration file: {ConfigFile} not found; using defaults, ESCALA_ variables and flags")]
    private static partial void NoFile(ILogger logger, string configFile);
}
