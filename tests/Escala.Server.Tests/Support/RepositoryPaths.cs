namespace Escala.Server.Tests.Support;

/// <summary>Finds files of this repository from the test's output directory.</summary>
internal static class RepositoryPaths
{
    /// <summary>The directory holding <c>Escala.slnx</c>, searched upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string PythonWorker => Path.Combine(Root, "examples", "python", "worker.py");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Escala.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Escala.slnx not found above {AppContext.BaseDirectory}.");
    }
}
