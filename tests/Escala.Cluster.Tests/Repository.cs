using System.Reflection;

namespace Escala.Cluster.Tests;

/// <summary>Where the repository and the built server live, found from the test assembly.</summary>
public static class Repository
{
    private static readonly string[] Configurations = ["Release", "Debug"];

    /// <summary>The repository root: the first directory above the test output that holds <c>Escala.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The <c>escala.dll</c> of the referenced Escala.Server project, built in the same configuration as
    /// these tests (the path is baked in at build time); falls back to any configuration's output.
    /// </summary>
    public static string ServerDll { get; } = FindServerDll();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Escala.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Escala.slnx) above " + AppContext.BaseDirectory);
    }

    private static string FindServerDll()
    {
        var baked = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EscalaServerDll")?.Value;
        if (baked is not null && File.Exists(baked))
        {
            return baked;
        }

        var candidates = Configurations
            .Select(c => Path.Combine(Root, "src", "Escala.Server", "bin", c, "net10.0", "escala.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        return candidates.Count > 0
            ? candidates[0]
            : throw new FileNotFoundException($"escala.dll not found (looked at '{baked}'); build src/Escala.Server first.");
    }
}
