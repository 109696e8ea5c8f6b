"""Permission names, for code that checks them (zcml declares them)."""

AddAgency = "phutho.intranet: Add Agency"
AddUnit = "phutho.intranet: Add Unit"
AddDocumentRegister = "phutho.intranet: Add DocumentRegister"
AddIncomingDocument = "phutho.intranet: Add IncomingDocument"
AddOutgoingDocument = "phutho.intranet: Add OutgoingDocument"
AddCaseFile = "phutho.intranet: Add CaseFile"
AddWorkWeek = "phutho.intranet: Add WorkWeek"
AddCalendarEntry = "phutho.intranet: Add CalendarEntry"
PublishWorkCalendar = "phutho.intranet: Publish work calendar"

# Registration data (numbers, register, arrival date) is read-only once a
# document is registered, except through a logged correction by a clerk.
CorrectRegistration = "phutho.intranet: Correct registration"

# Workflow permissions: every document workflow state maps them to roles.
ModifyRegistrationData = "phutho.intranet: Modify registration data"
AddProgressNote = "phutho.intranet: Add progress note"
RegisterDocument = "phutho.intranet: Register document"
AssignDocument = "phutho.intranet: Assign document"
ProcessDocument = "phutho.intranet: Process document"
SubmitDraft = "phutho.intranet: Submit draft"
ReviewDraft = "phutho.intranet: Review draft"
ReturnDraft = "phutho.intranet: Return draft"
SignDocument = "phutho.intranet: Sign document"
IssueDocument = "phutho.intranet: Issue document"
RecallDocument = "phutho.intranet: Recall document"
ModifyDocumentContent = "phutho.intranet: Modify document content"
HandleRecall = "phutho.intranet: Handle recall"
ManageRegisters = "phutho.intranet: Manage registers"
CloseCaseFile = "phutho.intranet: Close case file"
