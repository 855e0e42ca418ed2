namespace Placement.Api.Database;

/// <summary>The database's schema is missing, foreign or at a revision this server cannot use.</summary>
public sealed class DatabaseSchemaException(string message, Exception? innerException = null) : Exception(message, innerException);
