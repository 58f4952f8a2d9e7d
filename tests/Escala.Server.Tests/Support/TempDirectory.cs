namespace Escala.Server.Tests.Support;

/// <summary>A fresh directory under the system temp folder (a node's SQLite data), deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "escala-server-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        for (var i = 0; i < 5 && Directory.Exists(Path); i++)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException) when (i < 4)
            {
                Thread.Sleep(100);
            }
        }
    }
}
