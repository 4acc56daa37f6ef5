// Field errors beside their fields, announced and linked to the field for screen readers.

export function showFieldError(field, message) {
  const input = document.getElementById(field);
  document.getElementById(`${field}-error`).textContent = message ?? "";
  if (message) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
}

export function clearFieldErrors(fields) {
  for (const field of fields) {
    showFieldError(field, "");
  }
}
