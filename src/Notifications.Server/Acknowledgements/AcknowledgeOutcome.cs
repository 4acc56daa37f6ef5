namespace Notifications.Server.Acknowledgements;

internal enum AcknowledgeOutcome
{
    Recorded,
    AlreadyRecorded,
    MalformedId,
    UnknownId,
    NotAddressed,
}
