"""The follow-up loop after a measurement: the action plan (``dzialania``), the task-team and IPUS register
(``zespoly``) and what they show about the model's promise ("kooperacyjnie znaczy szybciej, skuteczniej, łatwiej,
czasem także taniej")."""
