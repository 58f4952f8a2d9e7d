namespace Escala.Server.Hosting;

/// <summary>
/// Start-up cannot go on for a reason the user can fix (a port in use, a data directory that cannot be written):
/// the message is one line naming the cause and the fix; <c>escala</c> prints it and exits with code 2.
/// </summary>
public sealed class StartupProblemException(string message, Exception? inner = null) : Exception(message, inner);
